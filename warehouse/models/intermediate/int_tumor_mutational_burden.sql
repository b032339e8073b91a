-- TMB as maftools::tmb computes it (duplicates removed, CNV rows ignored, the nine
-- non-synonymous classes over the capture size), with the count and denominator kept apart.
-- Every sequenced sample gets a row: no non-synonymous call gives 0, not a missing row.
with mutations as (
    select * from {{ ref('int_mutations_flagged_duplicates') }}
),

variant_classes as (
    select * from {{ ref('variant_classifications') }}
),

classified as (
    select
        mutations.sample_id,
        mutations.is_duplicate,
        mutations.variant_type,
        coalesce(variant_classes.is_nonsynonymous, false) as is_nonsynonymous
    from mutations
    left join variant_classes
        on mutations.variant_classification = variant_classes.variant_classification
),

per_sample as (
    select
        sample_id,
        count(*) as n_variant_rows,
        count(*) filter (where is_duplicate) as n_duplicate_rows_removed,
        count(*) filter (where variant_type = 'CNV' and not is_duplicate) as n_cnv_rows_ignored,
        count(*) filter (
            where not is_duplicate and variant_type != 'CNV' and is_nonsynonymous
        ) as n_nonsynonymous,
        count(*) filter (
            where not is_duplicate and variant_type != 'CNV' and not is_nonsynonymous
        ) as n_silent
    from classified
    group by sample_id
),

final as (
    select
        sample_id,
        n_variant_rows,
        n_duplicate_rows_removed,
        n_cnv_rows_ignored,
        n_nonsynonymous,
        n_silent,
        cast({{ var('exome_capture_size_mb') }} as double) as capture_size_mb,
        n_nonsynonymous / cast({{ var('exome_capture_size_mb') }} as double) as tmb_per_mb
    from per_sample
)

select * from final
