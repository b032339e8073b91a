"""scarHRD scores (HRD-LOH, telomeric AI, LST, HRD-sum) per sample via calcomics.hrd."""

from calcomics.dbt_io import relation_to_pandas
from calcomics.hrd import hrd_scores


def model(dbt, session):
    dbt.config(materialized="table")
    # scarHRD's text layout, in file order (its shrink step depends on row order).
    segments = relation_to_pandas(
        dbt.ref("stg_raw__copy_number_segments").project(
            "sample_id, chromosome, start_position, end_position, total_copy_number as total_cn,"
            " allele_a_copy_number as a_cn, allele_b_copy_number as b_cn, ploidy"
        ).order("sample_id, chromosome, start_position")
    )
    return hrd_scores(segments, reference=dbt.config.get("hrd_reference"))
