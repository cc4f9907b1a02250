"""Does training the language decoder with runs of unknown words around the request make it sturdier?

    python docs/notes/language_filler_runs.py 0        # the shipped recipe (seed 0, 1,500 steps)
    python docs/notes/language_filler_runs.py 0.4 8    # + up to three runs of 1-8 <unk> words, each with p=0.4

Trains an encoder as perception.language.train_language_encoder does, with the word dropout of
``_corrupt`` extended by the runs (70% of them before or after the sentence, the rest inside it),
then reads the project's phrasing set and the development blind sets with the whole reader and
with every unknown word as ``<unk>``. Nothing is saved; the held-out blind set is not read.
docs/notes/commands.md reads the results.
"""

import sys

import numpy as np
import torch

import robocue.perception.language as language
from robocue.perception.language import Tokenizer
from robocue.perception.outside import PHRASING_FILES, outside_phrasings

FIELDS = ("task", "color", "shape", "destination")
DEVELOPMENT = ("outside", "outside-blind", "outside-blind2", "outside-blind3", "outside-blind4", "outside-blind5", "outside-blind6")


def with_filler_runs(corrupt, share: float, longest: int):
    """``corrupt`` followed by up to three runs of ``<unk>`` per sentence, each with probability ``share``."""

    def corrupt_more(ids, rng, unk_prob, insert_prob, protected):
        ids = corrupt(ids, rng, unk_prob, insert_prob, protected)
        rows = []
        for row, length in zip(ids.tolist(), (ids != Tokenizer.pad_id).sum(dim=1).tolist()):
            seq = row[:length]
            for _ in range(3):
                if torch.rand((), generator=rng).item() < share:
                    n = int(torch.randint(1, longest + 1, (), generator=rng))
                    if torch.rand((), generator=rng).item() < 0.7:
                        at = (0, len(seq))[int(torch.randint(0, 2, (), generator=rng))]
                    else:
                        at = int(torch.randint(0, len(seq) + 1, (), generator=rng))
                    seq = seq[:at] + [Tokenizer.unk_id] * n + seq[at:]
            rows.append(seq[:32])
        out = torch.full((len(rows), max(len(r) for r in rows)), Tokenizer.pad_id, dtype=torch.long)
        for i, seq in enumerate(rows):
            out[i, : len(seq)] = torch.tensor(seq)
        return out

    return corrupt_more


def main(share: float, longest: int) -> None:
    torch.set_num_threads(1)
    if share > 0:
        language._corrupt = with_filler_runs(language._corrupt, share, longest)
    encoder, results = language.train_language_encoder(seed=0, steps=1500)
    print("grammar splits exact:", {split: round(r["exact"], 4) for split, r in results.items() if isinstance(r, dict)})
    for mapped in (True, False):
        encoder.tokenizer.map_unknown = mapped
        cells = []
        for key in DEVELOPMENT:
            rows = outside_phrasings(PHRASING_FILES[key])
            read = [encoder.interpret(text) for text, _ in rows]
            exact = np.mean([all(r[f] == c[f] for f in FIELDS) for r, (_, c) in zip(read, rows)])
            cells.append(f"{key} {exact:.3f}")
        print("whole reader:" if mapped else "words as <unk>:", " | ".join(cells))


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 0.0, int(sys.argv[2]) if len(sys.argv) > 2 else 8)
