DROP INDEX "orders_created_idx";--> statement-breakpoint
CREATE INDEX "order_clocks_report_idx" ON "order_clocks" USING btree ("order_id","kind","unit_id","due_at","stopped_at");--> statement-breakpoint
CREATE INDEX "order_events_steps_idx" ON "order_events" USING btree ("order_id","action","unit_id") WHERE "order_events"."action" in ('claim', 'answer', 'dispatch', 'redispatch', 'hand_down', 'return', 'reopen');--> statement-breakpoint
CREATE INDEX "orders_created_report_idx" ON "orders" USING btree ("created_at","current_unit_id","status","satisfaction","request_type","category_code","area_code","id");--> statement-breakpoint
CREATE INDEX "orders_phone_idx" ON "orders" USING btree ("citizen_phone","id");