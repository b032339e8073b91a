-- Gene-level copy-number values and calls per sample (computed in int_gene_copy_number).
with gene_copy_number as (
    select * from {{ ref('int_gene_copy_number') }}
),

patient_groups as (
    select * from {{ ref('int_patient_spine') }}
),

final as (
    select
        gene_copy_number.sample_id,
        patient_groups.group_key,
        patient_groups.group_label,
        cast(patient_groups.group_order as integer) as group_order,
        patient_groups.is_main_analysis_group,
        gene_copy_number.gene_symbol,
        gene_copy_number.chromosome,
        gene_copy_number.chromosome_arm,
        gene_copy_number.cytoband,
        gene_copy_number.copy_number_value,
        gene_copy_number.copy_number_call,
        gene_copy_number.value_source
    from gene_copy_number
    left join patient_groups on gene_copy_number.sample_id = patient_groups.patient_id
)

select * from final
