-- Error objects that are tables: with __tostring, with a message field,
-- bare, and with a __tostring that never returns.
return {
	name = "error-table",
	version = "1.0",
	kind = "report",
	run = function(call)
		local how = rollin.param("how")
		if how == "tostring" then
			error(setmetatable({}, {
				__tostring = function() return "custom failure" end,
			}))
		elseif how == "message" then
			error({ message = "bad row 7" })
		elseif how == "looping" then
			error(setmetatable({}, {
				__tostring = function() while true do end end,
			}))
		end
		error({ code = 42 })
		rollin.columns({ "escaped" })
	end,
}
