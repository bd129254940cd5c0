#!/usr/bin/env bash
# The training half of the recipe: PyTorch only (no Node, no network), on the token files a `train/run.sh`
# (or `PREPARE_ONLY=1 bash train/run.sh`, then the folder it gathers) left in a folder:
#
#   bash train/train-stage.sh WORK        # trains into WORK/run (checkpoints, log.txt), exports to OUT_MODEL
#
# Same knobs and defaults as run.sh (train/knobs.sh). DEVICE=auto picks CUDA when PyTorch sees a GPU; AMP=bf16
# runs the forward pass under bf16 autocast there. SEED seeds the data order and the weights on every device.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -eq 1 && -f "$1/mix.env" ]] || { echo "usage: train/train-stage.sh WORK (a folder with mix.env, the token files, val.jsonl and tok/)" >&2; exit 2; }
WORK=$(cd "$1" && pwd)
source train/knobs.sh
source "$WORK/mix.env"
[[ -z "$INIT" ]] || INIT=$(realpath "$INIT")
DATA=""
for n in $DATA_NAMES; do DATA="${DATA:+$DATA,}$WORK/$n"; done
COPY_ARGS=()
[[ -z "$VAL_COPY_NAME" ]] || COPY_ARGS=(--val-copy "$WORK/$VAL_COPY_NAME")

echo "== train ($DATA_NAMES)"
RUN=${RUN:-$WORK/run}
mkdir -p "$RUN"
(cd train && "$PY" train.py ${INIT:+--init "$INIT"} --data "$DATA" "${COPY_ARGS[@]}" --val "$WORK/val" --val-jsonl "$WORK/val.jsonl" \
  --tokenizer "$WORK/tok" --out "$RUN" --dim "$DIM" --layers "$LAYERS" --heads "$HEADS" --kv-heads "$KV_HEADS" \
  --hidden "$HIDDEN" --max-len 1024 --steps "$STEPS" --time-budget "$TIME_BUDGET" --batch-tokens "$BATCH_TOKENS" \
  --lr "$LR" --warmup "$WARMUP" --eval-every "$EVAL_EVERY" --eval-n "$EVAL_N" --ckpt-every 50 --seed "$SEED" --tier-keep "$TIER_KEEP" \
  --threads "$THREADS" --device "$DEVICE" --amp "$AMP")

echo "== export -> $OUT_MODEL"
"$PY" train/export.py --ckpt "$RUN/best.pt" --tokenizer "$WORK/tok" --out "$OUT_MODEL" ${COPY_BIAS:+--copy-bias "$COPY_BIAS"} $([[ "${VALUE_CHOICE:-0}" == 1 ]] && echo --value-choice) $([[ "${GROUNDED:-0}" == 1 ]] && echo --grounded)

# Files that must travel through a channel with a per-file limit (the GPU machine's $OUT: 16 MiB) are cut into
# SPLIT_MIB-MiB parts NAME.part00, NAME.part01...; put back with `cat NAME.part* > NAME` (README).
if [[ -n "${SPLIT_MIB:-}" ]]; then
  for f in "$OUT_MODEL"/*; do
    if [[ -f "$f" && $(stat -c %s "$f") -gt $((SPLIT_MIB * 1024 * 1024)) ]]; then
      split -b "${SPLIT_MIB}M" -d "$f" "$f.part" && rm "$f" && echo "split $f into ${SPLIT_MIB} MiB parts"
    fi
  done
fi
