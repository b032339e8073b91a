-- Homologous-recombination-deficiency scar scores per sample, exactly as scarHRD computes
-- them from allele-specific segments: HRD-LOH, TAI and LST in SQL (int_hrd_loh, int_hrd_tai,
-- int_hrd_lst over int_hrd_segments_preprocessed, summed in int_hrd_scores); calcomics.methods.hrd
-- (`calcomics hrd`) is the Python implementation they are tested against. A sample whose
-- segments are all on chrX/chrY scores 0. A sample without allele-specific copy number (total
-- copy number only, e.g. ChAS or .seg imports) has a row with null scores; hrd_status says why.
with hrd_scores as (
    select * from {{ ref('int_hrd_scores') }}
),

final as (
    select
        sample_id,
        hrd_loh,
        tai,
        lst,
        hrd_sum,
        hrd_status,
        '{{ var('hrd_reference') }}' as genome_reference,
        'scarHRD (SQL transcription of sztup/scarHRD c98f8bc)' as method_version
    from hrd_scores
)

select * from final
