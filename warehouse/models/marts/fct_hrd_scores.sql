-- Homologous-recombination-deficiency scar scores per sample, exactly as scarHRD computes
-- them from allele-specific segments: HRD-LOH, TAI and LST in SQL (int_hrd_loh, int_hrd_tai,
-- int_hrd_lst over int_hrd_segments_preprocessed, summed in int_hrd_scores); calcomics.methods.hrd
-- (`calcomics hrd`) is the Python implementation they are tested against. A sample whose
-- segments are all on chrX/chrY scores 0. A sample without allele-specific copy number (total
-- copy number only, e.g. ChAS or .seg imports) has a row with null scores; hrd_status says why.
with hrd_scores as (
    select * from {{ ref('int_hrd_scores') }}
),

patient_groups as (
    select * from {{ ref('int_patient_spine') }}
),

final as (
    select
        hrd_scores.sample_id,
        patient_groups.group_key,
        patient_groups.group_label,
        cast(patient_groups.group_order as integer) as group_order,
        patient_groups.is_main_analysis_group,
        hrd_scores.hrd_loh,
        hrd_scores.tai,
        hrd_scores.lst,
        hrd_scores.hrd_sum,
        hrd_scores.hrd_status,
        '{{ var('hrd_reference') }}' as genome_reference,
        'scarHRD (SQL transcription of sztup/scarHRD c98f8bc)' as method_version
    from hrd_scores
    left join patient_groups on hrd_scores.sample_id = patient_groups.patient_id
)

select * from final
