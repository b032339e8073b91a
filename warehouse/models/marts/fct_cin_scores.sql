-- Chromosomal instability score per sample (computed in int_cin_scores).
with cin_scores as (
    select * from {{ ref('int_cin_scores') }}
),

final as (
    select
        sample_id,
        n_genes,
        cin_score,
        cin_value_type
    from cin_scores
)

select * from final
