import { z } from "zod";
import { EU_STANDARD_VAT_RATES } from "../domain/eu-vat-rates.js";

/**
 * Billing: who issues the invoices (the seller printed on every invoice), the domestic VAT rate,
 * invoice numbering and the monthly schedule. Without `seller` no invoice can be issued: the schedule
 * says so once in the log and the CLI refuses with a hint.
 */
export const VIES_URL = "https://ec.europa.eu/taxation_customs/vies/rest-api";

const sellerSchema = z
  .object({
    /** The registered company name, e.g. "Entrim d.o.o.". */
    legalName: z.string().trim().min(1, "seller.legalName is required: the registered company name"),
    /** Postal address; lines separated by "\n". */
    address: z.string().trim().min(1, "seller.address is required: the registered postal address"),
    /** ISO 3166-1 alpha-2, e.g. "SI": decides which VAT rule applies to each buyer. */
    country: z.string().regex(/^[A-Z]{2}$/, 'seller.country is an ISO alpha-2 code in capitals, e.g. "SI"'),
    /** e.g. "SI12345678". */
    vatId: z
      .string()
      .regex(
        /^[A-Z]{2}[A-Za-z0-9+*.]{2,13}$/,
        'seller.vatId starts with the country code, e.g. "SI12345678"',
      ),
    /** Company number and registering court, e.g. "Reg. no. 1234567000, District Court of Ljubljana". */
    registration: z.string().trim().min(1, "seller.registration is required: company number and court"),
    bank: z
      .object({
        iban: z
          .string()
          .transform((v) => v.replace(/\s+/g, "").toUpperCase())
          .pipe(z.string().regex(/^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$/, "bank.iban is not an IBAN")),
        bic: z.string().regex(/^[A-Z0-9]{8}([A-Z0-9]{3})?$/, "bank.bic is 8 or 11 letters and digits"),
        name: z.string().trim().min(1, "bank.name is required: the bank's name"),
      })
      .strict(),
    /** Billing contact printed on the invoice. */
    email: z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, "seller.email is not an email address"),
    phone: z.string().trim().min(3).optional(),
  })
  .strict();

const scheduleSchema = z
  .object({
    /** Default: on when a seller is configured. */
    enabled: z.boolean().optional(),
    /** Hour of the 1st (UTC) from which the leader issues the previous month's invoices. */
    hour: z
      .number()
      .int()
      .min(0, "schedule.hour is 0-23 (UTC)")
      .max(23, "schedule.hour is 0-23 (UTC)")
      .default(6),
  })
  .strict();

/** A VAT rate as a fraction, written as a number or text; kept as text (no float ever touches tax). */
const rateSchema = (message: string) =>
  z
    .union([z.string(), z.number()])
    .transform((v) => String(v))
    .pipe(z.string().regex(/^(0(\.[0-9]{1,4})?|1(\.0{1,4})?)$/, message));

/**
 * VIES checks of buyers' VAT IDs before the reverse charge (billing/vies.ts). Off by default: a cluster
 * without outbound access to the Commission would otherwise mark every EU business unverified.
 */
export const viesSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** The VIES REST API's base; POST {url}/check-vat-number. */
    url: z.string().url("vat.vies.url is the VIES REST API's base URL").default(VIES_URL),
    timeoutMs: z.number().int().min(100).max(120_000, "vat.vies.timeoutMs is 100-120000").default(10_000),
    /** A check older than this is repeated by the leader's billing pass. */
    recheckDays: z.number().int().min(1).max(365, "vat.vies.recheckDays is 1-365").default(30),
  })
  .strict();

export type ViesConfig = z.infer<typeof viesSchema>;

const SERIES = /^[A-Za-z0-9/_-]*(\{year\})?[A-Za-z0-9/_-]*$/;

export const billingSchema = z
  .object({
    seller: sellerSchema.optional(),
    vat: z
      .object({
        /** The seller's country rate as a fraction; 0.22 is Slovenia's standard rate. */
        domesticRate: rateSchema("vat.domesticRate is a fraction, e.g. 0.22").default("0.22"),
        /**
         * One-Stop Shop: EU consumers pay their own member state's rate (Art. 58). Off only below the
         * EUR 10 000 EU-wide threshold (Art. 59c): EU consumers then pay domesticRate.
         */
        oss: z
          .boolean({ error: "vat.oss is true (EU consumers pay their own country's rate) or false" })
          .default(true),
        /** Overrides of the built-in standard rates (domain/eu-vat-rates.ts), e.g. { "FI": 0.255 }. */
        rates: z
          .record(z.string(), rateSchema("vat.rates values are fractions, e.g. 0.19 for 19 %"))
          .optional(),
        vies: viesSchema.optional(),
      })
      .strict()
      .superRefine((vat, ctx) => {
        for (const country of Object.keys(vat.rates ?? {})) {
          if (!(country in EU_STANDARD_VAT_RATES))
            ctx.addIssue({
              code: "custom",
              path: ["rates", country],
              message: `vat.rates keys are EU member states' ISO codes in capitals (e.g. "DE", "GR" for Greece); "${country}" is not one: remove it`,
            });
        }
      })
      .default({ domesticRate: "0.22", oss: true }),
    /** Invoice number prefix; {year} is the invoice date's year: "{year}-" gives 2026-000001. */
    series: z
      .string()
      .max(32)
      .regex(SERIES, "series may hold letters, digits, - / _ and {year} once")
      .default("{year}-"),
    creditNoteSeries: z
      .string()
      .max(32)
      .regex(SERIES, "creditNoteSeries may hold letters, digits, - / _ and {year} once")
      .default("CN-{year}-"),
    paymentTermsDays: z.number().int().min(0).max(365, "paymentTermsDays is 0-365").default(14),
    schedule: scheduleSchema.default({ hour: 6 }),
  })
  .strict()
  .superRefine((billing, ctx) => {
    if (billing.series === billing.creditNoteSeries)
      ctx.addIssue({
        code: "custom",
        path: ["creditNoteSeries"],
        message: "credit notes need their own series: make creditNoteSeries differ from series",
      });
    if (billing.seller && billing.vat.rates?.[billing.seller.country] !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["vat", "rates", billing.seller.country],
        message: `buyers in the seller's own country pay vat.domesticRate: set that instead of vat.rates.${billing.seller.country}`,
      });
    if (billing.schedule.enabled === true && billing.seller === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["schedule", "enabled"],
        message: "the schedule issues invoices, which need a seller: configure billing.seller or turn it off",
      });
  })
  .default({
    vat: { domesticRate: "0.22", oss: true },
    series: "{year}-",
    creditNoteSeries: "CN-{year}-",
    paymentTermsDays: 14,
    schedule: { hour: 6 },
  });

export type BillingConfig = z.infer<typeof billingSchema>;
export type SellerConfig = z.infer<typeof sellerSchema>;

/** "{year}-" in 2026 → "2026-". */
export function seriesFor(pattern: string, at: Date): string {
  return pattern.replace("{year}", String(at.getUTCFullYear()));
}

/** Whether the leader issues invoices on its own: default on exactly when a seller is configured. */
export function scheduleEnabled(billing: BillingConfig): boolean {
  return billing.seller !== undefined && billing.schedule.enabled !== false;
}

/** VIES settings with their defaults; checks run only when enabled and a seller (the requester) is set. */
export function viesConfig(billing: BillingConfig): ViesConfig {
  return billing.vat.vies ?? viesSchema.parse({});
}

export function viesEnabled(billing: BillingConfig): boolean {
  return billing.seller !== undefined && viesConfig(billing).enabled;
}
