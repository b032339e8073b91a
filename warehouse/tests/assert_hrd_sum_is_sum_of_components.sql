-- hrd_sum = hrd_loh + tai + lst for every sample.
with hrd_scores as (
    select * from {{ ref('fct_hrd_scores') }}
)

select *
from hrd_scores
where hrd_sum != hrd_loh + tai + lst
