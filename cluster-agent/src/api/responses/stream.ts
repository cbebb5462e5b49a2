/**
 * Responses streaming: typed server-sent events (`event: <type>` and a JSON `data` carrying the same
 * type and a sequence number). Unlike chat completion chunks, every output item is opened and closed
 * by events of its own, so the stream keeps track of which item is open and closes it before the next
 * one opens, and at the end.
 */
import type { DeltaDetail, GenerationResult, ToolCall } from "../../runtime/types.js";
import type { EndpointStream, ResponseMeta } from "../endpoint.js";
import type { ResponsesRequest } from "./schema.js";
import {
  callItem,
  callItemId,
  finalStatus,
  type ItemStatus,
  messageId,
  messageItem,
  type OutputItem,
  outputTextPart,
  type ResponseErrorCode,
  responseObject,
} from "./shape.js";

/** The stream's error codes a Response's `error` may carry; anything else is a server error there. */
const RESPONSE_ERROR_CODES: ReadonlySet<string> = new Set<ResponseErrorCode>([
  "server_error",
  "rate_limit_exceeded",
  "invalid_prompt",
]);

function responseErrorCode(code: string | null): ResponseErrorCode {
  return code !== null && RESPONSE_ERROR_CODES.has(code) ? (code as ResponseErrorCode) : "server_error";
}

interface OpenMessage {
  kind: "message";
  outputIndex: number;
  id: string;
  text: string;
}

interface OpenCall {
  kind: "call";
  outputIndex: number;
  id: string;
  call: ToolCall;
  /** Its item in the output, once closed. */
  item?: ReturnType<typeof callItem>;
}

export class ResponsesStream implements EndpointStream {
  private sequence = 0;
  /** Items already closed, in output order. */
  private readonly output: OutputItem[] = [];
  private open: OpenMessage | OpenCall | null = null;
  /** Calls by the runtime's call index; the ones closed stay here to match the final result. */
  private readonly calls = new Map<number, OpenCall>();
  private messages = 0;

  constructor(
    private readonly meta: ResponseMeta,
    private readonly request: ResponsesRequest,
  ) {}

  private event(type: string, fields: Record<string, unknown>): string {
    const data = JSON.stringify({ type, sequence_number: this.sequence++, ...fields });
    return `event: ${type}\ndata: ${data}\n\n`;
  }

  first(): string {
    const response = responseObject(this.meta, this.request, {
      status: "in_progress",
      output: [],
      usage: null,
    });
    return this.event("response.created", { response }) + this.event("response.in_progress", { response });
  }

  delta(text: string, _choice: number, detail: DeltaDetail | undefined): string {
    let out = "";
    if (text !== "") out += this.text(text);
    const piece = detail?.toolCall;
    if (piece) out += this.callPiece(piece);
    return out;
  }

  finish(result: GenerationResult): string {
    const status = finalStatus(result);
    let out = "";
    // The result is the truth; anything it holds that the deltas did not carry is streamed now.
    const streamed = this.streamedText();
    if (result.text.startsWith(streamed) && result.text.length > streamed.length) {
      out += this.text(result.text.slice(streamed.length));
    }
    (result.toolCalls ?? []).forEach((call, index) => {
      const known = this.calls.get(index);
      const sent = known?.call.arguments ?? "";
      const rest = call.arguments.startsWith(sent) ? call.arguments.slice(sent.length) : "";
      if (!known) out += this.callPiece({ index, id: call.id, name: call.name, arguments: rest });
      else if (rest !== "" && this.open === known) out += this.callPiece({ index, arguments: rest });
      else if (known.item) known.item.arguments = call.arguments;
      else known.call.arguments = call.arguments;
    });
    // Every response has output to read: an empty message when the model produced nothing at all.
    if (this.output.length === 0 && this.open === null) out += this.openMessage();
    out += this.close(status);
    const response = responseObject(this.meta, this.request, {
      status,
      output: this.output,
      usage: result.usage,
    });
    return out + this.event(`response.${status}`, { response });
  }

  error(message: string, _type: string, code: string | null): string {
    const failure = { code: responseErrorCode(code), message };
    const response = responseObject(this.meta, this.request, {
      status: "failed",
      output: this.output,
      usage: null,
      error: failure,
    });
    return this.event("error", { code, message, param: null }) + this.event("response.failed", { response });
  }

  private streamedText(): string {
    const open = this.open?.kind === "message" ? this.open.text : "";
    const closed = this.output.map((item) => (item.type === "message" ? item.content[0]?.text : ""));
    return closed.join("") + open;
  }

  private text(delta: string): string {
    let out = "";
    if (this.open?.kind !== "message") out += this.close("completed") + this.openMessage();
    const message = this.open as OpenMessage;
    message.text += delta;
    return (
      out +
      this.event("response.output_text.delta", {
        item_id: message.id,
        output_index: message.outputIndex,
        content_index: 0,
        delta,
        logprobs: [],
      })
    );
  }

  private openMessage(): string {
    // One message per response in practice; text after a call (rare) opens a second one.
    const id = this.messages === 0 ? messageId(this.meta) : `${messageId(this.meta)}_${this.messages}`;
    this.messages++;
    const message: OpenMessage = { kind: "message", outputIndex: this.output.length, id, text: "" };
    this.open = message;
    const where = { item_id: id, output_index: message.outputIndex, content_index: 0 };
    return (
      this.event("response.output_item.added", {
        output_index: message.outputIndex,
        item: messageItem(id, "in_progress", null),
      }) + this.event("response.content_part.added", { ...where, part: outputTextPart("") })
    );
  }

  private callPiece(piece: NonNullable<DeltaDetail["toolCall"]>): string {
    let out = "";
    let call = this.calls.get(piece.index);
    if (!call) {
      out += this.close("completed");
      const outputIndex = this.output.length;
      call = {
        kind: "call",
        outputIndex,
        id: callItemId(this.meta, this.calls.size),
        call: { id: piece.id ?? "", name: piece.name ?? "", arguments: "" },
      };
      this.calls.set(piece.index, call);
      this.open = call;
      out += this.event("response.output_item.added", {
        output_index: outputIndex,
        item: callItem(call.id, "in_progress", call.call),
      });
    }
    call.call.arguments += piece.arguments;
    // Pieces of a call already closed (runtimes send calls one after another) only fix its text.
    if (piece.arguments === "" || this.open !== call) return out;
    return (
      out +
      this.event("response.function_call_arguments.delta", {
        item_id: call.id,
        output_index: call.outputIndex,
        delta: piece.arguments,
      })
    );
  }

  /** Closes the open item, if any: its done events, and it joins the output. */
  private close(status: ItemStatus): string {
    const open = this.open;
    if (!open) return "";
    this.open = null;
    if (open.kind === "message") {
      const where = { item_id: open.id, output_index: open.outputIndex, content_index: 0 };
      const item = messageItem(open.id, status, open.text);
      this.output.push(item);
      return (
        this.event("response.output_text.done", { ...where, text: open.text, logprobs: [] }) +
        this.event("response.content_part.done", { ...where, part: outputTextPart(open.text) }) +
        this.event("response.output_item.done", { output_index: open.outputIndex, item })
      );
    }
    const item = callItem(open.id, status, open.call);
    open.item = item;
    this.output.push(item);
    return (
      this.event("response.function_call_arguments.done", {
        item_id: open.id,
        output_index: open.outputIndex,
        name: open.call.name,
        arguments: open.call.arguments,
      }) + this.event("response.output_item.done", { output_index: open.outputIndex, item })
    );
  }
}
