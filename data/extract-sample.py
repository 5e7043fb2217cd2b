#!/usr/bin/env python3
"""Extract data/noshow-sample.csv from the full public dataset (standard library only).

Whole patients are sampled (every appointment of a chosen patient is kept, so
prior-visit features see real histories), at random with a fixed seed, until
about 3,000 rows; the patients of the public file's dirty rows (negative age,
appointment before booking, float-typed ids) are always included so cleaning is
exercised. Rows keep the original file order and header.

    python3 data/extract-sample.py /work/shared/data/noshow-appointments-2016.csv data/noshow-sample.csv
"""
import csv
import random
import sys
from collections import defaultdict

TARGET_ROWS = 3000
SEED = 2016


def is_dirty(row):
    return (
        int(row["Age"]) < 0
        or row["AppointmentDay"][:10] < row["ScheduledDay"][:10]
        or not row["PatientId"].isdigit()
    )


def main(source, destination):
    with open(source, newline="") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames
        rows = list(reader)
    by_patient = defaultdict(list)
    for index, row in enumerate(rows):
        by_patient[row["PatientId"]].append(index)
    chosen = {row["PatientId"] for row in rows if is_dirty(row)}
    patients = sorted(by_patient)
    random.Random(SEED).shuffle(patients)
    total = sum(len(by_patient[p]) for p in chosen)
    for patient in patients:
        if total >= TARGET_ROWS:
            break
        if patient not in chosen:
            chosen.add(patient)
            total += len(by_patient[patient])
    keep = sorted(i for p in chosen for i in by_patient[p])
    with open(destination, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows[i] for i in keep)
    print(f"{len(keep)} rows, {len(chosen)} patients -> {destination}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
