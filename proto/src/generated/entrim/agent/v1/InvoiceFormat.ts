// Original file: entrim/agent/v1/accounts.proto

export const InvoiceFormat = {
  INVOICE_FORMAT_UNSPECIFIED: 'INVOICE_FORMAT_UNSPECIFIED',
  INVOICE_FORMAT_JSON: 'INVOICE_FORMAT_JSON',
  INVOICE_FORMAT_CSV: 'INVOICE_FORMAT_CSV',
  INVOICE_FORMAT_PDF: 'INVOICE_FORMAT_PDF',
} as const;

export type InvoiceFormat =
  | 'INVOICE_FORMAT_UNSPECIFIED'
  | 0
  | 'INVOICE_FORMAT_JSON'
  | 1
  | 'INVOICE_FORMAT_CSV'
  | 2
  | 'INVOICE_FORMAT_PDF'
  | 3

export type InvoiceFormat__Output = typeof InvoiceFormat[keyof typeof InvoiceFormat]
