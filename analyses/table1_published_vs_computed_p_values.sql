-- Table 1: which test reproduces the printed p-values? The caption names Fisher's exact test;
-- compare the exact Fisher p with Pearson's chi-square p for every characteristic.
with table1 as (
    select * from {{ ref('rpt_table1_clinicopathology') }}
),

per_characteristic as (
    select distinct
        characteristic_label,
        p_value_published,
        round(p_value_fisher, 3) as p_value_fisher_3dp,
        round(p_value_chisq, 3) as p_value_chisq_3dp,
        test_reproducing_published_p
    from table1
    where p_value_published is not null
)

select * from per_characteristic
order by characteristic_label
