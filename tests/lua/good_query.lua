-- A report over the store: organisations of one kind.
return {
	name = "good-query",
	version = "1.0",
	kind = "report",
	run = function(call)
		local rows, err = rollin.query(
		    "SELECT slug, name, state FROM organisations WHERE kind = ? ORDER BY slug",
		    { rollin.param("kind") })
		if not rows then
			return false, err.message
		end
		rollin.columns({ "slug", "name", "state" })
		for _, r in ipairs(rows) do
			rollin.row({ r[1], r[2], r[3] or rollin.null })
		end
		local bad, qerr = rollin.query("DELETE FROM organisations")
		assert(bad == nil and qerr.status == 403, "a report wrote")
	end,
}
