-- Homologous-recombination-deficiency scar scores per sample, exactly as scarHRD computes
-- them from allele-specific segments (see calcomics.hrd and int_hrd_scores).
with hrd_scores as (
    select * from {{ ref('int_hrd_scores') }}
),

final as (
    select
        sample_id,
        cast(hrd_loh as integer) as hrd_loh,
        cast(tai as integer) as tai,
        cast(lst as integer) as lst,
        cast(hrd_sum as integer) as hrd_sum,
        '{{ var('hrd_reference') }}' as genome_reference
    from hrd_scores
)

select * from final
