import { makeGenericClientConstructor } from "@grpc/grpc-js";
import { service } from "grpc-health-check";

/** A client of the standard grpc.health.v1.Health service, as load balancers and probes use it. */
export const HealthClient = makeGenericClientConstructor(
  service as unknown as Parameters<typeof makeGenericClientConstructor>[0],
  "Health",
) as unknown as new (
  address: string,
  credentials: import("@grpc/grpc-js").ChannelCredentials,
  options?: import("@grpc/grpc-js").ChannelOptions,
) => {
  check(
    request: { service: string },
    callback: (error: Error | null, response?: { status: string }) => void,
  ): void;
  close(): void;
};
