// Original file: entrim/agent/v1/accounts.proto

import type { InvoiceFormat as _entrim_agent_v1_InvoiceFormat, InvoiceFormat__Output as _entrim_agent_v1_InvoiceFormat__Output } from '../../../entrim/agent/v1/InvoiceFormat.js';

export interface ExportInvoiceRequest {
  'id'?: (string);
  'format'?: (_entrim_agent_v1_InvoiceFormat);
}

export interface ExportInvoiceRequest__Output {
  'id': (string);
  'format': (_entrim_agent_v1_InvoiceFormat__Output);
}
