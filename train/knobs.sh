# The recipe's knobs and their defaults, sourced by train/run.sh (data, Node) and train/train-stage.sh (training,
# PyTorch), so that a run split across two machines uses the same values. Every knob is an environment variable.
PY=${PY:-/usr/bin/python3}
WORK=${WORK:-train/.work}
if [[ -n "${TINY:-}" ]]; then
  : "${OUT_MODEL:=$WORK/tiny-model}" "${EXTRA:=300}" "${VOCAB:=512}" "${DIM:=32}" "${LAYERS:=1}" "${HEADS:=2}"
  : "${KV_HEADS:=1}" "${HIDDEN:=64}" "${STEPS:=6}" "${TIME_BUDGET:=0}" "${BATCH_TOKENS:=2048}" "${BPE_EXTRA:=300}"
  : "${VAL_PER_TIER:=4}" "${VAL_CANDIDATES:=60}" "${EVAL_EVERY:=6}" "${EVAL_N:=3}" "${WARMUP:=2}" "${COPY:=50}"
  : "${OPEN:=60}" "${VAL_OPEN:=6}" "${BPE_OPEN:=60}" "${CORPUS_CAP:=40}" "${VAL_CORPUS:=2}" "${BPE_CORPORA:=200}"
fi
OUT_MODEL=${OUT_MODEL:-models/default}
# The mix: EdgeJSON-style (the committed train split + EXTRA per seed in EXTRA_SEEDS), OPEN open-domain examples
# (bench/opendomain, seed OPEN_SEED), and, when CORPORA names the corpora engineer's output folder
# (CORPORA/train/*.jsonl trained on, CORPORA/test/*.jsonl held out), at most CORPUS_CAP examples per corpus.
EXTRA_SEEDS=${EXTRA_SEEDS:-2}; EXTRA=${EXTRA:-15000}
OPEN=${OPEN:-36000}; OPEN_SEED=${OPEN_SEED:-11}; OPEN_VAL_SEED=${OPEN_VAL_SEED:-13}; VAL_OPEN=${VAL_OPEN:-300}
CORPORA=${CORPORA:-}; CORPUS_CAP=${CORPUS_CAP:-3000}; VAL_CORPUS=${VAL_CORPUS:-30}; MIX_SEED=${MIX_SEED:-1}
INIT=${INIT:-}; TOKENIZER=${TOKENIZER:-}; COPY=${COPY:-0}
BPE_EXTRA=${BPE_EXTRA:-10000}; BPE_OPEN=${BPE_OPEN:-10000}; BPE_CORPORA=${BPE_CORPORA:-10000}; VOCAB=${VOCAB:-3072}
DIM=${DIM:-192}; LAYERS=${LAYERS:-6}; HEADS=${HEADS:-4}; KV_HEADS=${KV_HEADS:-2}; HIDDEN=${HIDDEN:-512}
STEPS=${STEPS:-100000}; TIME_BUDGET=${TIME_BUDGET:-82}; BATCH_TOKENS=${BATCH_TOKENS:-4096}; LR=${LR:-3e-3}
WARMUP=${WARMUP:-30}; SEED=${SEED:-1234}; VAL_PER_TIER=${VAL_PER_TIER:-200}; EVAL_EVERY=${EVAL_EVERY:-150}
EVAL_N=${EVAL_N:-12}; THREADS=${THREADS:-1}; TIER_KEEP=${TIER_KEEP:-complex=0.25}
VAL_CANDIDATES=${VAL_CANDIDATES:-1500}; DEVICE=${DEVICE:-auto}; AMP=${AMP:-none}
