-- Gene-level value per sample: overlap-length-weighted mean of segment values over the gene
-- (GISTIC -gcm mean on segment data). A gene no segment overlaps (a gap in the
-- segmentation) takes the mean of its two flanking segments, as GISTIC uses flanking markers.
with segments as (
    select * from {{ ref('int_segments_median_centred') }}
),

genes as (
    select * from {{ ref('int_genes_with_cytobands') }}
),

samples as (
    select distinct sample_id from segments
),

overlapping as (
    select
        segments.sample_id,
        genes.gene_symbol,
        sum(
            segments.copy_number_value
            * (
                least(segments.end_position, genes.end_position)
                - greatest(segments.start_position, genes.start_position) + 1
            )
        )
        / sum(
            least(segments.end_position, genes.end_position)
            - greatest(segments.start_position, genes.start_position) + 1
        ) as copy_number_value,
        'overlap' as value_source
    from genes
    inner join segments
        on
            genes.chromosome = segments.chromosome
            and genes.end_position >= segments.start_position
            and genes.start_position <= segments.end_position
    group by segments.sample_id, genes.gene_symbol
),

uncovered as (
    select
        samples.sample_id,
        genes.gene_symbol,
        genes.chromosome,
        genes.start_position,
        genes.end_position
    from samples
    cross join genes
    anti join overlapping
        on
            samples.sample_id = overlapping.sample_id
            and genes.gene_symbol = overlapping.gene_symbol
),

flanked as (
    select
        uncovered.sample_id,
        uncovered.gene_symbol,
        -- mean of the flanking segments, or the one flank a chromosome end leaves
        (
            coalesce(left_segment.copy_number_value, right_segment.copy_number_value)
            + coalesce(right_segment.copy_number_value, left_segment.copy_number_value)
        ) / 2 as copy_number_value,
        'flanking_segments' as value_source
    from uncovered
    asof left join segments as left_segment
        on
            uncovered.sample_id = left_segment.sample_id
            and uncovered.chromosome = left_segment.chromosome
            and uncovered.start_position >= left_segment.end_position
    asof left join segments as right_segment
        on
            uncovered.sample_id = right_segment.sample_id
            and uncovered.chromosome = right_segment.chromosome
            and uncovered.end_position <= right_segment.start_position
),

final as (
    select * from overlapping
    union all
    select * from flanked
    where copy_number_value is not null
)

select * from final
