import { type BillingConfig, billingSchema } from "../config/billing.js";

/** A Slovenian seller as the tests' billing configuration (domestic rate as given, default 22 %). */
export function testBilling(overrides: Partial<BillingConfig> = {}, domesticRate = "0.22"): BillingConfig {
  return {
    ...billingSchema.parse({
      seller: {
        legalName: "Entrim d.o.o.",
        address: "Trg republike 1\n1000 Ljubljana\nSlovenia",
        country: "SI",
        vatId: "SI12345678",
        registration: "Reg. no. 1234567000, District Court of Ljubljana",
        bank: { iban: "SI56 1910 0000 0123 438", bic: "BAKOSI2X", name: "Banka Test d.d." },
        email: "billing@entrim.example",
      },
      vat: { domesticRate },
    }),
    ...overrides,
  };
}
