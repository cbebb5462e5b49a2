/**
 * Writes a tiny llama-architecture GGUF with random weights: the model tests and a fresh node run,
 * generated instead of downloaded so that nothing depends on a model host. It tokenizes real English and
 * uses ChatML, so the embedded runtime exercises the same paths as a production model; its text is noise.
 */
import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { encodeGguf, type GgufTensor, type GgufValue } from "./gguf-writer.js";

export interface TinyModelOptions {
  out: string;
  /** Same seed, byte-identical file; another seed, other weights (a "new model version"). */
  seed?: number;
  /**
   * SentencePiece's space prefix (off by default): a text then begins with a space its tokens leave
   * out, and a word's leading space is dropped at the start of a text, so a token's text depends on
   * what comes before it, as with many real models' tokenizers.
   */
  addSpacePrefix?: boolean;
}

export interface TinyModelFile {
  path: string;
  bytes: number;
  sha256: string;
}

export const TINY_MODEL_DEFAULT_SEED = 1;

const N_EMBD = 64;
const N_LAYER = 2;
const N_HEAD = 4;
const N_FF = 192;
const N_CTX = 2048;

const TOKEN_NORMAL = 1;
const TOKEN_UNKNOWN = 2;
const TOKEN_CONTROL = 3;
const TOKEN_BYTE = 6;

const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

const WORDS = (
  "the be to of and a in that have I it for not on with he as you do at this but his by from they we say her " +
  "she or an will my one all would there their what so up out if about who get which go me when make can like " +
  "time no just him know take people into year your good some could them see other than then now look only " +
  "come its over think also back after use two how our work first well way even new want because any these give " +
  "day most us is are was were has had model token cluster node request hello world please answer question"
).split(" ");

interface Vocab {
  tokens: string[];
  scores: number[];
  types: number[];
}

/** SentencePiece vocabulary: specials, byte fallback, characters, then words with every prefix. */
function buildVocab(): Vocab {
  const tokens: string[] = [];
  const scores: number[] = [];
  const types: number[] = [];
  const seen = new Set<string>();
  const add = (piece: string, type: number, score: number) => {
    if (seen.has(piece)) return;
    seen.add(piece);
    tokens.push(piece);
    scores.push(score);
    types.push(type);
  };
  add("<unk>", TOKEN_UNKNOWN, 0);
  add("<s>", TOKEN_CONTROL, 0);
  add("</s>", TOKEN_CONTROL, 0);
  for (let b = 0; b < 256; b++) add(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`, TOKEN_BYTE, 0);
  add("<|im_start|>", TOKEN_CONTROL, 0);
  add("<|im_end|>", TOKEN_CONTROL, 0);
  add("▁", TOKEN_NORMAL, -1);
  for (let c = 0x21; c < 0x7f; c++) add(String.fromCharCode(c), TOKEN_NORMAL, -1);
  // The SPM tokenizer only reaches a piece through merges of pieces it already has, so every prefix of
  // a word is in the vocabulary; longer pieces score higher so that merging prefers whole words.
  for (const word of WORDS) {
    const piece = `▁${word}`;
    for (let end = 2; end <= piece.length; end++) add(piece.slice(0, end), TOKEN_NORMAL, end);
  }
  return { tokens, scores, types };
}

/** mulberry32: tiny, fast and stable across platforms, which byte-identical output needs. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function buildTensors(seed: number, vocab: Vocab, silentTokens: ReadonlySet<number>): GgufTensor[] {
  const next = prng(seed);
  const uniform = (shape: number[], scale: number): Float32Array => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = (next() * 2 - 1) * scale;
    return data;
  };
  const ones = (n: number) => new Float32Array(n).fill(1);
  const nVocab = vocab.tokens.length;

  const tensors: GgufTensor[] = [
    { name: "token_embd.weight", shape: [N_EMBD, nVocab], data: uniform([N_EMBD, nVocab], 0.5) },
  ];
  for (let l = 0; l < N_LAYER; l++) {
    const p = `blk.${l}`;
    tensors.push(
      { name: `${p}.attn_norm.weight`, shape: [N_EMBD], data: ones(N_EMBD) },
      { name: `${p}.attn_q.weight`, shape: [N_EMBD, N_EMBD], data: uniform([N_EMBD, N_EMBD], 0.2) },
      { name: `${p}.attn_k.weight`, shape: [N_EMBD, N_EMBD], data: uniform([N_EMBD, N_EMBD], 0.2) },
      { name: `${p}.attn_v.weight`, shape: [N_EMBD, N_EMBD], data: uniform([N_EMBD, N_EMBD], 0.2) },
      { name: `${p}.attn_output.weight`, shape: [N_EMBD, N_EMBD], data: uniform([N_EMBD, N_EMBD], 0.2) },
      { name: `${p}.ffn_norm.weight`, shape: [N_EMBD], data: ones(N_EMBD) },
      { name: `${p}.ffn_gate.weight`, shape: [N_EMBD, N_FF], data: uniform([N_EMBD, N_FF], 0.2) },
      { name: `${p}.ffn_up.weight`, shape: [N_EMBD, N_FF], data: uniform([N_EMBD, N_FF], 0.2) },
      { name: `${p}.ffn_down.weight`, shape: [N_FF, N_EMBD], data: uniform([N_FF, N_EMBD], 0.2) },
    );
  }
  // Logits with a spread of a few units make sampling meaningful. Rows of zeros pin the logit of
  // end-of-generation and control tokens at 0, far below the best random logit: the model (almost) never
  // stops on its own, so tests get outputs of exactly maxTokens, while a grammar that allows nothing
  // else can still end generation with EOS.
  const output = uniform([N_EMBD, nVocab], 0.65);
  for (const id of silentTokens) output.fill(0, id * N_EMBD, (id + 1) * N_EMBD);
  tensors.push(
    { name: "output_norm.weight", shape: [N_EMBD], data: ones(N_EMBD) },
    { name: "output.weight", shape: [N_EMBD, nVocab], data: output },
  );
  return tensors;
}

/** The complete file image; exported for tests and for callers that hash without writing. */
export function encodeTinyModel(seed = TINY_MODEL_DEFAULT_SEED, { addSpacePrefix = false } = {}): Buffer {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new RangeError("seed must be an integer between 0 and 4294967295");
  const vocab = buildVocab();
  const id = (piece: string) => vocab.tokens.indexOf(piece);
  const silent = new Set(
    vocab.types.flatMap((t, i) => (t === TOKEN_CONTROL || t === TOKEN_UNKNOWN ? [i] : [])),
  );

  const metadata: Array<[string, GgufValue]> = [
    ["general.architecture", { type: "string", value: "llama" }],
    ["general.name", { type: "string", value: `entrim-tiny-s${seed}` }],
    ["general.description", { type: "string", value: "Random-weight test model generated by Entrim" }],
    ["general.file_type", { type: "uint32", value: 0 }],
    ["general.alignment", { type: "uint32", value: 32 }],
    ["llama.context_length", { type: "uint32", value: N_CTX }],
    ["llama.embedding_length", { type: "uint32", value: N_EMBD }],
    ["llama.block_count", { type: "uint32", value: N_LAYER }],
    ["llama.feed_forward_length", { type: "uint32", value: N_FF }],
    ["llama.attention.head_count", { type: "uint32", value: N_HEAD }],
    ["llama.attention.head_count_kv", { type: "uint32", value: N_HEAD }],
    ["llama.rope.dimension_count", { type: "uint32", value: N_EMBD / N_HEAD }],
    ["llama.rope.freq_base", { type: "float32", value: 10000 }],
    ["llama.attention.layer_norm_rms_epsilon", { type: "float32", value: 1e-5 }],
    ["llama.vocab_size", { type: "uint32", value: vocab.tokens.length }],
    ["tokenizer.ggml.model", { type: "string", value: "llama" }],
    ["tokenizer.ggml.tokens", { type: "string[]", value: vocab.tokens }],
    ["tokenizer.ggml.scores", { type: "float32[]", value: vocab.scores }],
    ["tokenizer.ggml.token_type", { type: "int32[]", value: vocab.types }],
    ["tokenizer.ggml.unknown_token_id", { type: "uint32", value: id("<unk>") }],
    ["tokenizer.ggml.bos_token_id", { type: "uint32", value: id("<s>") }],
    ["tokenizer.ggml.eos_token_id", { type: "uint32", value: id("</s>") }],
    ["tokenizer.ggml.eot_token_id", { type: "uint32", value: id("<|im_end|>") }],
    ["tokenizer.ggml.add_bos_token", { type: "bool", value: true }],
    ["tokenizer.ggml.add_eos_token", { type: "bool", value: false }],
    ["tokenizer.ggml.add_space_prefix", { type: "bool", value: addSpacePrefix }],
    ["tokenizer.chat_template", { type: "string", value: CHATML_TEMPLATE }],
  ];
  return encodeGguf(metadata, buildTensors(seed, vocab, silent));
}

export async function writeTinyModel(options: TinyModelOptions): Promise<TinyModelFile> {
  const image = encodeTinyModel(options.seed ?? TINY_MODEL_DEFAULT_SEED, {
    addSpacePrefix: options.addSpacePrefix ?? false,
  });
  const path = resolve(options.out);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, image);
  return { path, bytes: image.length, sha256: createHash("sha256").update(image).digest("hex") };
}
