#!/usr/bin/env bash
# The whole recipe, one command: data -> tokenizer -> token files -> training -> export to an HF folder.
#
#   bash train/run.sh                      # the default model (models/default), about 85 minutes on 2 cores
#   TINY=1 bash train/run.sh               # the same pipeline on a tiny config, a minute or two (smoke test)
#
#   INIT=ckpt.pt TOKENIZER=models/default bash train/run.sh
#                                          # warm start: continue a checkpoint, keeping its tokenizer
#
# Knobs (environment): WORK (scratch folder, default train/.work), OUT_MODEL (export folder), EXTRA (extra
# training examples drawn from the generator per seed in EXTRA_SEEDS, default "2"), INIT (a checkpoint to
# start from, weights only), COPY_BIAS (the copy bias the exported model recommends, see extract/copy-bias.ts), VALUE_CHOICE=1 (the exported model recommends value choice, extract/value-choice.ts), COPY (how many examples of the auxiliary copy task, drawn from the texts of the last
# extra seed; see train/prepare-data.ts COPY_INSTRUCTION), TOKENIZER (a folder with tokenizer.json to use instead of training a BPE), VOCAB, DIM, LAYERS, HEADS, KV_HEADS, HIDDEN,
# STEPS, TIME_BUDGET (minutes, 0 = none: the schedule then runs exactly STEPS steps), BATCH_TOKENS, LR, SEED, TIER_KEEP, THREADS (PyTorch threads:
# 1 is faster on a busy shared 2-core machine, 2 on an idle one),
# PY (a Python 3 with PyTorch; Debian: apt-get install -y python3-torch libopenblas0-pthread).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-/usr/bin/python3}
WORK=${WORK:-train/.work}
if [[ -n "${TINY:-}" ]]; then
  : "${OUT_MODEL:=$WORK/tiny-model}" "${EXTRA:=300}" "${VOCAB:=512}" "${DIM:=32}" "${LAYERS:=1}" "${HEADS:=2}"
  : "${KV_HEADS:=1}" "${HIDDEN:=64}" "${STEPS:=6}" "${TIME_BUDGET:=0}" "${BATCH_TOKENS:=2048}" "${BPE_EXTRA:=300}"
  : "${VAL_PER_TIER:=4}" "${VAL_CANDIDATES:=60}" "${EVAL_EVERY:=6}" "${EVAL_N:=3}" "${WARMUP:=2}" "${COPY:=50}"
fi
OUT_MODEL=${OUT_MODEL:-models/default}
EXTRA_SEEDS=${EXTRA_SEEDS:-2}; INIT=${INIT:-}; TOKENIZER=${TOKENIZER:-}; COPY=${COPY:-0}
EXTRA=${EXTRA:-60000}; BPE_EXTRA=${BPE_EXTRA:-10000}; VOCAB=${VOCAB:-3072}
DIM=${DIM:-192}; LAYERS=${LAYERS:-6}; HEADS=${HEADS:-4}; KV_HEADS=${KV_HEADS:-2}; HIDDEN=${HIDDEN:-512}
STEPS=${STEPS:-100000}; TIME_BUDGET=${TIME_BUDGET:-82}; BATCH_TOKENS=${BATCH_TOKENS:-4096}; LR=${LR:-3e-3}
WARMUP=${WARMUP:-30}; SEED=${SEED:-1234}; VAL_PER_TIER=${VAL_PER_TIER:-200}; EVAL_EVERY=${EVAL_EVERY:-150}
EVAL_N=${EVAL_N:-12}; THREADS=${THREADS:-1}; TIER_KEEP=${TIER_KEEP:-complex=0.25}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
[[ -z "$INIT" ]] || INIT=$(realpath "$INIT")   # train.py runs from train/
VAL_CANDIDATES=${VAL_CANDIDATES:-1500}

echo "== bundle the generator and the tokenizing script"
npx esbuild bench/edgejson/cli.ts --bundle --platform=node --format=esm --outfile="$WORK/gen.mjs" --log-level=warning
npx esbuild train/prepare-data.ts --bundle --platform=node --format=esm --outfile="$WORK/prep.mjs" --log-level=warning

echo "== data: committed train split + $EXTRA extra per seed ($EXTRA_SEEDS) for training, a fresh seed (3) for validation"
TRAIN=bench/edgejson/data/train.jsonl
TEST=bench/edgejson/data/test.jsonl
EXTRA_FILES=""; DATA="$WORK/base"
for s in $EXTRA_SEEDS; do
  node "$WORK/gen.mjs" --seed 1 --extra-train "$EXTRA" --extra-seed "$s" --out "$WORK/extra$s.jsonl"
  EXTRA_FILES="$EXTRA_FILES,$WORK/extra$s.jsonl"; DATA="$DATA,$WORK/x$s"
done
node "$WORK/gen.mjs" --seed 1 --extra-train "$VAL_CANDIDATES" --extra-seed 3 --out "$WORK/extra3.jsonl"
"$PY" train/make_val.py --candidates "$WORK/extra3.jsonl" --exclude "$TRAIN$EXTRA_FILES,$TEST" \
  --per-tier "$VAL_PER_TIER" --out "$WORK/val.jsonl"

FIRST_SEED=${EXTRA_SEEDS%% *}
if [[ -n "$TOKENIZER" ]]; then
  echo "== tokenizer: $TOKENIZER (kept, e.g. to continue a checkpoint trained with it)"
  mkdir -p "$WORK/tok" && cp "$TOKENIZER/tokenizer.json" "$TOKENIZER/tokenizer_config.json" "$WORK/tok/"
else
  echo "== tokenizer: byte-level BPE, vocab $VOCAB, over the train split + $BPE_EXTRA extra examples"
  head -n "$BPE_EXTRA" "$WORK/extra$FIRST_SEED.jsonl" > "$WORK/bpe-extra.jsonl"
  node "$WORK/prep.mjs" words --in "$TRAIN,$WORK/bpe-extra.jsonl" --out "$WORK/words.json"
  "$PY" train/bpe.py --words "$WORK/words.json" --vocab-size "$VOCAB" --out "$WORK/tok"
fi

echo "== token files (tokenized in Node by @huggingface/tokenizers, prompts by extract/prompt.ts)"
node "$WORK/prep.mjs" encode --tokenizer "$WORK/tok" --in "$TRAIN" --out "$WORK/base"
for s in $EXTRA_SEEDS; do node "$WORK/prep.mjs" encode --tokenizer "$WORK/tok" --in "$WORK/extra$s.jsonl" --out "$WORK/x$s"; done
node "$WORK/prep.mjs" encode --tokenizer "$WORK/tok" --in "$WORK/val.jsonl" --out "$WORK/val"
COPY_ARGS=()
if [[ "$COPY" -gt 0 ]]; then
  LAST_SEED=${EXTRA_SEEDS##* }
  node "$WORK/prep.mjs" encode --tokenizer "$WORK/tok" --in "$WORK/extra$LAST_SEED.jsonl" --out "$WORK/copy" --task copy --limit "$COPY"
  node "$WORK/prep.mjs" encode --tokenizer "$WORK/tok" --in "$WORK/val.jsonl" --out "$WORK/valcopy" --task copy --limit 200
  DATA="$DATA,$WORK/copy"; COPY_ARGS=(--val-copy "$WORK/valcopy")
fi

echo "== train"
RUN="$WORK/run"
mkdir -p "$RUN"
(cd train && "$PY" train.py ${INIT:+--init "$INIT"} --data "$DATA" "${COPY_ARGS[@]}" --val "$WORK/val" --val-jsonl "$WORK/val.jsonl" \
  --tokenizer "$WORK/tok" --out "$RUN" --dim "$DIM" --layers "$LAYERS" --heads "$HEADS" --kv-heads "$KV_HEADS" \
  --hidden "$HIDDEN" --max-len 1024 --steps "$STEPS" --time-budget "$TIME_BUDGET" --batch-tokens "$BATCH_TOKENS" \
  --lr "$LR" --warmup "$WARMUP" --eval-every "$EVAL_EVERY" --eval-n "$EVAL_N" --ckpt-every 50 --seed "$SEED" --tier-keep "$TIER_KEEP" --threads "$THREADS")

echo "== export -> $OUT_MODEL"
"$PY" train/export.py --ckpt "$RUN/best.pt" --tokenizer "$WORK/tok" --out "$OUT_MODEL" ${COPY_BIAS:+--copy-bias "$COPY_BIAS"} $([[ "${VALUE_CHOICE:-0}" == 1 ]] && echo --value-choice)
