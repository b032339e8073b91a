-- Gene-level copy number per sample: the continuous GISTIC2-style value (linear units,
-- copy number - 2 after median centring and capping) and the thresholded call as
-- gene_calls.m makes it: -2 below (lowest arm value - t), -1 below -t, +1 above t,
-- +2 above (highest arm value + t); t = var cn_call_threshold (GISTIC -ta/-td, 0.1).
with gene_values as (
    select * from {{ ref('int_gene_copy_number_values') }}
),

genes as (
    select * from {{ ref('int_genes_with_cytobands') }}
),

arm_values as (
    select * from {{ ref('int_region_copy_number') }}
    where region_level = 'arm'
),

sample_arm_extremes as (
    select
        sample_id,
        min(region_copy_number_value) as lowest_arm_value,
        max(region_copy_number_value) as highest_arm_value
    from arm_values
    group by sample_id
),

final as (
    select
        gene_values.sample_id,
        gene_values.gene_symbol,
        genes.chromosome,
        genes.chromosome_arm,
        genes.cytoband,
        gene_values.copy_number_value,
        cast(
            case
                when
                    gene_values.copy_number_value
                    < sample_arm_extremes.lowest_arm_value - {{ var('cn_call_threshold') }}
                    then -2
                when gene_values.copy_number_value < -{{ var('cn_call_threshold') }} then -1
                when
                    gene_values.copy_number_value
                    > sample_arm_extremes.highest_arm_value + {{ var('cn_call_threshold') }}
                    then 2
                when gene_values.copy_number_value > {{ var('cn_call_threshold') }} then 1
                else 0
            end as integer
        ) as copy_number_call,
        gene_values.value_source
    from gene_values
    inner join genes on gene_values.gene_symbol = genes.gene_symbol
    inner join sample_arm_extremes on gene_values.sample_id = sample_arm_extremes.sample_id
)

select * from final
