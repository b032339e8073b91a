-- In the clinical statistics marts a p-value is null exactly when its test_note says
-- 'not tested: ...'; any other note names groups left out of a test that ran.
with table1 as (
    select * from {{ ref('rpt_table1_clinicopathology') }}
),

group_comparisons as (
    select * from {{ ref('fct_group_comparisons') }}
),

categorical_comparisons as (
    select * from {{ ref('fct_categorical_comparisons') }}
),

p_values as (
    select
        'rpt_table1_clinicopathology' as mart,
        characteristic as compared,
        p_value_fisher as p_value,
        test_note
    from table1
    where row_kind = 'count'
    union all
    select
        'rpt_table1_clinicopathology' as mart,
        characteristic as compared,
        p_value_chisq as p_value,
        test_note
    from table1
    where row_kind = 'count'
    union all
    select
        'rpt_table1_clinicopathology' as mart,
        characteristic as compared,
        p_value_kruskal_wallis as p_value,
        test_note
    from table1
    where row_kind = 'median'
    union all
    select
        'fct_group_comparisons' as mart,
        feature || ' ' || test as compared,
        p_value,
        test_note
    from group_comparisons
    union all
    select
        'fct_categorical_comparisons' as mart,
        comparison as compared,
        p_value,
        test_note
    from categorical_comparisons
)

select *
from p_values
where
    (p_value is null) != coalesce(test_note like 'not tested: %', false)
    or (
        test_note is not null
        and test_note not like 'not tested: %'
        and test_note not like 'groups without values left out: %'
    )
