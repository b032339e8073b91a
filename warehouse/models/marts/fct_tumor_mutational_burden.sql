-- TMB per sequenced sample (computed in int_tumor_mutational_burden).
with tumor_mutational_burden as (
    select * from {{ ref('int_tumor_mutational_burden') }}
),

final as (
    select
        sample_id,
        n_variant_rows,
        n_duplicate_rows_removed,
        n_cnv_rows_ignored,
        n_nonsynonymous,
        n_silent,
        capture_size_mb,
        tmb_per_mb
    from tumor_mutational_burden
)

select * from final
