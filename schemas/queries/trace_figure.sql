-- title: Trace a figure back to its passage
-- description: Where a number comes from: every fact with value $value (optionally only in documents
--   matching $doc), with its document, section, page, the exact quote and the passage around it
--   ($context characters either side), its extractor and the checks that use it.
-- param: value number = 100 | the number as a plain value (1.234,5 is 1234.5)
-- param: doc = "" | doc_id or part of the path ("" = all documents)
-- param: context = 120 | characters of text shown either side of the quote
-- example: queries.run_named(con, "trace_figure", value=9418)
SELECT
    d.path, f.fact_id, f.value, f.unit, f.kind, f.metric, f.subject, f.period,
    s.path AS section_path, f.page, f.quote, f.char_start, f.char_end,
    substr(d.text, greatest(f.char_start - $context, 0) + 1,
           least(f.char_end + $context, length(d.text)) - greatest(f.char_start - $context, 0)) AS passage,
    f.extractor, f.confidence,
    (SELECT list(c.rule || ':' || c.status || ':' || c.check_id ORDER BY c.char_start)
       FROM checks c WHERE c.doc_id = f.doc_id AND list_contains(c.fact_ids, f.fact_id)) AS checks
FROM facts f
JOIN documents d USING (doc_id)
LEFT JOIN sections s ON s.doc_id = f.doc_id AND s.section_id = f.section_id
WHERE abs(f.value - $value) < 1e-9
  AND ($doc = '' OR d.doc_id = $doc OR d.path ILIKE '%' || $doc || '%')
ORDER BY d.path, f.char_start;
