-- A clock stopped by a step now stays with the unit it ran at (db/queries/clocks.ts
-- writeClocks). Clocks stopped before were stored with the unit holding the order
-- after the step: for a 转办 clock stopped by a dispatch that is the receiving unit,
-- for a 签收 clock stopped by a return the unit returned to. Put those back with the
-- unit the step came from, as the on-time report used to work out on every query.
UPDATE order_clocks c SET unit_id = x.unit_id
FROM (
  SELECT DISTINCT ON (c.order_id, c.kind) c.order_id, c.kind, e.payload->>'fromUnitId' AS unit_id
  FROM order_clocks c
  JOIN order_events e ON e.order_id = c.order_id AND e.at = c.stopped_at
    AND ((c.kind = 'transfer' AND e.action = 'dispatch') OR (c.kind = 'claim' AND e.action = 'return'))
  ORDER BY c.order_id, c.kind, e.id
) x
WHERE c.order_id = x.order_id AND c.kind = x.kind AND x.unit_id IS NOT NULL AND c.unit_id <> x.unit_id;
