// Original file: entrim/agent/v1/accounts.proto

import type { Invoice as _entrim_agent_v1_Invoice, Invoice__Output as _entrim_agent_v1_Invoice__Output } from '../../../entrim/agent/v1/Invoice.js';

export interface ListInvoicesResponse {
  'invoices'?: (_entrim_agent_v1_Invoice)[];
}

export interface ListInvoicesResponse__Output {
  'invoices': (_entrim_agent_v1_Invoice__Output)[];
}
