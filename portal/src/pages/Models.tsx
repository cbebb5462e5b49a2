// The models the cluster serves, what each supports, and the prices in force (euros per million tokens).
import { useSignedIn } from "../components/context.js";
import { Loading, useLoad } from "../components/ui.js";
import { formatMoney, formatTokens } from "../format.js";
import type { Model } from "../types.js";

export function ModelsPage() {
  const { api } = useSignedIn();
  const models = useLoad(() => api.get<{ models: Model[] }>("/api/models"), [api]);
  return (
    <section>
      <h1>Models and prices</h1>
      <p className="lead">Prices are in euros per million tokens, excluding VAT.</p>
      {!models.data ? (
        <Loading error={models.error} what="models" />
      ) : models.data.models.length === 0 ? (
        <p className="muted">No models are being served at the moment.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Capabilities</th>
              <th scope="col" className="num">
                Context length
              </th>
              <th scope="col" className="num">
                Input
              </th>
              <th scope="col" className="num">
                Cached input
              </th>
              <th scope="col" className="num">
                Output
              </th>
            </tr>
          </thead>
          <tbody>
            {models.data.models.map((model) => (
              <tr key={model.id}>
                <th scope="row" className="mono">
                  {model.id}
                  {model.retiresAt && (
                    <div className="warning-text">
                      Retiring on {model.retiresAt.slice(0, 10)}
                      {model.replacement ? <>: use {model.replacement}</> : null}
                    </div>
                  )}
                </th>
                <td>
                  <ul className="tags">
                    {model.capabilities.map((c) => (
                      <li key={c}>{c}</li>
                    ))}
                  </ul>
                </td>
                <td className="num">{model.contextLength ? formatTokens(model.contextLength) : "—"}</td>
                {model.pricing ? (
                  <>
                    <td className="num">{formatMoney(model.pricing.input)}</td>
                    <td className="num">{formatMoney(model.pricing.cachedInput)}</td>
                    <td className="num">{formatMoney(model.pricing.output)}</td>
                  </>
                ) : (
                  <td colSpan={3} className="muted">
                    Price on request
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
