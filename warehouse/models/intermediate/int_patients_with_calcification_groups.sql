-- Each patient's calcification group from the BI-RADS mapping seed, and the density label.
with patients as (
    select * from {{ ref('stg_raw__patients') }}
),

birads_groups as (
    select * from {{ ref('calcification_birads_groups') }}
),

density_categories as (
    select * from {{ ref('breast_density_categories') }}
),

joined as (
    select
        patients.*,
        birads_groups.calcification_group,
        birads_groups.calcification_group_label,
        birads_groups.group_order as calcification_group_order,
        birads_groups.is_main_analysis_group,
        density_categories.breast_density_label
    from patients
    inner join birads_groups
        on patients.calcification_birads = cast(birads_groups.birads_code as varchar)
    inner join density_categories
        on patients.breast_density_code = density_categories.density_code
)

select * from joined
