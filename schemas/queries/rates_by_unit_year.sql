-- title: Online-dossier and on-time rates by unit and year
-- description: The percentages reported for one metric (by default the online-dossier rate and the
--   on-time rate) per unit and year. The unit is the fact's subject, else the issuer; the year is the
--   fact's period, else the year the report was issued. Several figures for one unit and year are
--   averaged, and their range is shown so a spread is visible.
-- param: metrics = "online_dossier_rate,on_time_rate" | comma-separated metric keys (FORMAT.md vocabulary)
-- example: queries.named_df(con, "rates_by_unit_year", metrics="on_time_rate")   (the notebook charts)
SELECT
    f.metric,
    coalesce(f.subject, d.issuer, '(không rõ / unknown)') AS unit,
    d.province,
    coalesce(try_cast(substr(f.period, 1, 4) AS INTEGER), year(d.issued_date),
             try_cast(substr(d.issued_date_text, 1, 4) AS INTEGER)) AS year,
    round(avg(f.value), 2) AS rate,
    min(f.value) AS min_rate,
    max(f.value) AS max_rate,
    count(*) AS figures,
    count(DISTINCT f.doc_id) AS documents
FROM facts f
JOIN documents d USING (doc_id)
WHERE list_contains(string_split(replace($metrics, ' ', ''), ','), f.metric)
GROUP BY ALL
ORDER BY f.metric, unit, year;
