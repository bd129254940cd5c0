#!/usr/bin/env bash
# The whole recipe, one command: data -> tokenizer -> token files -> training -> export to an HF folder.
#
#   bash train/run.sh                      # the new mix (EdgeJSON-style + open-domain [+ corpora]), train, export
#   TINY=1 bash train/run.sh               # the same pipeline on a tiny config, a minute or two (smoke test)
#   CORPORA=/tmp/corpora bash train/run.sh # with the real-corpus train files (bench/corpora's cli --split both)
#   PREPARE_ONLY=1 bash train/run.sh       # stop after the token files; gather what a GPU machine needs in
#                                          # $WORK/carry (train there with train/train-stage.sh, see README)
#   EXTRA=60000 OPEN=0 bash train/run.sh   # the EdgeJSON-only data of the shipped models/default
#   INIT=ckpt.pt TOKENIZER=models/default bash train/run.sh
#                                          # warm start: continue a checkpoint, keeping its tokenizer
#
# Knobs (environment; defaults in train/knobs.sh): WORK (scratch folder, default train/.work), OUT_MODEL (export
# folder), the mix: EXTRA (EdgeJSON-style examples per seed in EXTRA_SEEDS), OPEN (open-domain examples),
# CORPORA (folder with train/ and test/ JSONL from bench/corpora), CORPUS_CAP (per corpus), VAL_OPEN / VAL_CORPUS
# (validation slices), MIX_SEED; INIT (a checkpoint to start from, weights only), COPY_BIAS (the copy bias the
# exported model recommends, see extract/copy-bias.ts), GROUNDED=1 (it recommends grounded strings), VALUE_CHOICE=1 (the exported model recommends value
# choice, extract/value-choice.ts), COPY (how many examples of the auxiliary copy task, drawn from the texts of
# the last extra seed; see train/prepare-data.ts COPY_INSTRUCTION), TOKENIZER (a folder with tokenizer.json to use
# instead of training a BPE), VOCAB, DIM, LAYERS, HEADS, KV_HEADS, HIDDEN, STEPS, TIME_BUDGET (minutes, 0 = none:
# the schedule then runs exactly STEPS steps), BATCH_TOKENS, LR, SEED, TIER_KEEP, THREADS (PyTorch threads: 1 is
# faster on a busy shared 2-core machine, 2 on an idle one), DEVICE (auto/cpu/cuda), AMP (none/bf16),
# PY (a Python 3 with PyTorch; Debian: apt-get install -y python3-torch libopenblas0-pthread).
set -euo pipefail
cd "$(dirname "$0")/.."
source train/knobs.sh
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
[[ -z "$INIT" ]] || INIT=$(realpath "$INIT")   # train.py runs from train/

echo "== bundle the generators and the tokenizing script"
npx esbuild bench/edgejson/cli.ts --bundle --platform=node --format=esm --outfile="$WORK/gen.mjs" --log-level=warning
npx esbuild bench/opendomain/cli.ts --bundle --platform=node --format=esm --outfile="$WORK/opengen.mjs" --log-level=warning
npx esbuild train/prepare-data.ts --bundle --platform=node --format=esm --outfile="$WORK/prep.mjs" --log-level=warning

TRAIN=bench/edgejson/data/train.jsonl
TEST=bench/edgejson/data/test.jsonl
# Texts no training or validation example may have: the real-text benchmark, the EdgeJSON test split, every
# corpus test file.
HELD_OUT="bench/realtext,$TEST${CORPORA:+,$CORPORA/test}"

echo "== data 1/3, EdgeJSON-style: committed train split + $EXTRA extra per seed ($EXTRA_SEEDS), a fresh seed (3) for validation"
node "$WORK/prep.mjs" filter --in "$TRAIN" --exclude "$HELD_OUT" --out "$WORK/edge-base.jsonl"
EXTRA_FILES=""; DATA_NAMES="base"
for s in $EXTRA_SEEDS; do
  node "$WORK/gen.mjs" --seed 1 --extra-train "$EXTRA" --extra-seed "$s" --out "$WORK/extra$s.jsonl"
  node "$WORK/prep.mjs" filter --in "$WORK/extra$s.jsonl" --exclude "$HELD_OUT" --out "$WORK/edge$s.jsonl"
  EXTRA_FILES="$EXTRA_FILES,$WORK/extra$s.jsonl"; DATA_NAMES="$DATA_NAMES x$s"
done
node "$WORK/gen.mjs" --seed 1 --extra-train "$VAL_CANDIDATES" --extra-seed 3 --out "$WORK/extra3.jsonl"
"$PY" train/make_val.py --candidates "$WORK/extra3.jsonl" --exclude "$TRAIN$EXTRA_FILES,$TEST,bench/realtext/dev.jsonl,bench/realtext/test.jsonl" \
  --per-tier "$VAL_PER_TIER" --out "$WORK/val-edge.jsonl"
cp "$WORK/val-edge.jsonl" "$WORK/val.jsonl"

if [[ "$OPEN" -gt 0 ]]; then
  echo "== data 2/3, open-domain (bench/opendomain): $OPEN from seed $OPEN_SEED, $VAL_OPEN from seed $OPEN_VAL_SEED for validation"
  node "$WORK/opengen.mjs" --seed "$OPEN_SEED" --count "$OPEN" --out "$WORK/open-raw.jsonl"
  node "$WORK/prep.mjs" filter --in "$WORK/open-raw.jsonl" --exclude "$HELD_OUT" --out "$WORK/open.jsonl"
  node "$WORK/opengen.mjs" --seed "$OPEN_VAL_SEED" --count "$VAL_OPEN" --out "$WORK/open-val-raw.jsonl"
  node "$WORK/prep.mjs" filter --in "$WORK/open-val-raw.jsonl" --exclude "$HELD_OUT,$WORK/open.jsonl" --out "$WORK/val-open.jsonl"
  cat "$WORK/val-open.jsonl" >> "$WORK/val.jsonl"
  DATA_NAMES="$DATA_NAMES open"
fi

if [[ -n "$CORPORA" ]]; then
  echo "== data 3/3, corpora ($CORPORA/train): at most $CORPUS_CAP per corpus, $VAL_CORPUS each for validation"
  [[ -d "$CORPORA/train" && -d "$CORPORA/test" ]] || { echo "CORPORA=$CORPORA needs train/ and test/ folders (bench/corpora cli --split both)" >&2; exit 2; }
  node "$WORK/prep.mjs" filter --in "$CORPORA/train" --exclude "$HELD_OUT" --out "$WORK/corpora.jsonl" \
    --cap "$CORPUS_CAP" --val-n "$VAL_CORPUS" --val-out "$WORK/val-corpora.jsonl" --seed "$MIX_SEED"
  cat "$WORK/val-corpora.jsonl" >> "$WORK/val.jsonl"
  DATA_NAMES="$DATA_NAMES corpora"
fi

FIRST_SEED=${EXTRA_SEEDS%% *}
if [[ -n "$TOKENIZER" ]]; then
  echo "== tokenizer: $TOKENIZER (kept, e.g. to continue a checkpoint trained with it)"
  mkdir -p "$WORK/tok" && cp "$TOKENIZER/tokenizer.json" "$TOKENIZER/tokenizer_config.json" "$WORK/tok/"
else
  echo "== tokenizer: byte-level BPE, vocab $VOCAB, over the train split + $BPE_EXTRA EdgeJSON-style + $BPE_OPEN open-domain + $BPE_CORPORA corpus examples"
  head -n "$BPE_EXTRA" "$WORK/edge$FIRST_SEED.jsonl" > "$WORK/bpe-extra.jsonl"
  [[ ! -f "$WORK/open.jsonl" ]] || head -n "$BPE_OPEN" "$WORK/open.jsonl" >> "$WORK/bpe-extra.jsonl"
  if [[ -f "$WORK/corpora.jsonl" ]]; then   # every k-th line, so that every corpus is in
    n=$(wc -l < "$WORK/corpora.jsonl"); k=$(( n / BPE_CORPORA > 1 ? n / BPE_CORPORA : 1 ))
    awk -v k="$k" 'NR % k == 0' "$WORK/corpora.jsonl" >> "$WORK/bpe-extra.jsonl"
  fi
  node "$WORK/prep.mjs" words --in "$TRAIN,$WORK/bpe-extra.jsonl" --out "$WORK/words.json"
  "$PY" train/bpe.py --words "$WORK/words.json" --vocab-size "$VOCAB" --out "$WORK/tok"
fi

echo "== token files (tokenized in Node by @huggingface/tokenizers, prompts by extract/prompt.ts)"
node "$WORK/prep.mjs" encode --tokenizer "$WORK/tok" --in "$WORK/edge-base.jsonl" --out "$WORK/base"
for s in $EXTRA_SEEDS; do node "$WORK/prep.mjs" encode --tokenizer "$WORK/tok" --in "$WORK/edge$s.jsonl" --out "$WORK/x$s"; done
[[ ! -f "$WORK/open.jsonl" || "$OPEN" -eq 0 ]] || node "$WORK/prep.mjs" encode --tokenizer "$WORK/tok" --in "$WORK/open.jsonl" --out "$WORK/open"
[[ -z "$CORPORA" ]] || node "$WORK/prep.mjs" encode --tokenizer "$WORK/tok" --in "$WORK/corpora.jsonl" --out "$WORK/corpora"
node "$WORK/prep.mjs" encode --tokenizer "$WORK/tok" --in "$WORK/val.jsonl" --out "$WORK/val"
VAL_COPY_NAME=""
if [[ "$COPY" -gt 0 ]]; then
  LAST_SEED=${EXTRA_SEEDS##* }
  node "$WORK/prep.mjs" encode --tokenizer "$WORK/tok" --in "$WORK/edge$LAST_SEED.jsonl" --out "$WORK/copy" --task copy --limit "$COPY"
  node "$WORK/prep.mjs" encode --tokenizer "$WORK/tok" --in "$WORK/val.jsonl" --out "$WORK/valcopy" --task copy --limit 200
  DATA_NAMES="$DATA_NAMES copy"; VAL_COPY_NAME=valcopy
fi
# What the training stage reads (names of token files in WORK), so it can run elsewhere without Node.
printf 'DATA_NAMES="%s"\nVAL_COPY_NAME="%s"\n' "$DATA_NAMES" "$VAL_COPY_NAME" > "$WORK/mix.env"
"$PY" train/mix_stats.py --work "$WORK" --names "$DATA_NAMES val" --max-len 1024 | tee "$WORK/mix-stats.txt"

if [[ -n "${PREPARE_ONLY:-}" ]]; then
  CARRY=${CARRY:-$WORK/carry}
  rm -rf "$CARRY" && mkdir -p "$CARRY"
  for n in $DATA_NAMES val $VAL_COPY_NAME; do cp "$WORK/$n.bin" "$WORK/$n.idx" "$WORK/$n.meta.jsonl" "$CARRY/"; done
  cp -r "$WORK/tok" "$WORK/val.jsonl" "$WORK/mix.env" "$WORK/mix-stats.txt" "$CARRY/"
  size=$(du -sb "$CARRY" | cut -f1)
  echo "== PREPARE_ONLY: $CARRY holds what training needs: $((size / 1024 / 1024)) MiB ($size bytes)"
  (( size <= 64 * 1024 * 1024 )) || { echo "carry folder over 64 MiB: lower EXTRA / OPEN / CORPUS_CAP" >&2; exit 3; }
  exit 0
fi

bash train/train-stage.sh "$WORK"
