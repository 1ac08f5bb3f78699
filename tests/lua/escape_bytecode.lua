-- Loading crafted bytecode: load accepts text only, even when asked for mode "b".
return {
	name = "escape-bytecode",
	version = "1.0",
	kind = "report",
	run = function(call)
		-- The header of a Lua 5.4 binary chunk, then garbage: enough to reach
		-- the undump code if binary chunks were accepted.
		local chunk = "\27Lua\84\0\25\147\13\10\26\10\4\8\8\120\86" .. string.rep("\255", 64)
		local f, err = load(chunk, "crafted", "b")
		if f == nil then
			local g, err2 = load(function() local c = chunk; chunk = nil; return c end, "reader", "bt")
			if g == nil then
				error("bytecode refused: " .. tostring(err) .. " / " .. tostring(err2))
			end
		end
		rollin.columns({ "escaped" })
	end,
}
