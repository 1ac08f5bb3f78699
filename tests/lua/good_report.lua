-- A well-behaved report: squares of 1..n, using the libraries the sandbox
-- keeps (string, table, math, utf8, os.date, pcall) and print, which logs.
local calls = 0

return {
	name = "good-report",
	version = "1.0",
	description = "squares, to show the sandbox still works",
	kind = "report",
	run = function(call)
		calls = calls + 1
		local n = tonumber(rollin.param("n") or "3")
		assert(call.kind == "report" and call.plugin == "good-report")
		assert(call.params.n == nil or call.params.n == rollin.param("n"))
		-- pcall still returns ordinary errors to the script.
		local ok, err = pcall(error, "ordinary")
		assert(not ok and err == "ordinary")
		assert(select(2, xpcall(error, function(m) return "handled " .. m end, "x")) == "handled x")
		assert(utf8.len("Grüße") == 5)
		assert(os.date("!%Y", 0) == "1970")
		assert(type(os.time()) == "number" and type(os.clock()) == "number")
		assert(math.floor(2.5) == 2 and ("%05.1f"):format(3.14159) == "003.1")
		local words = {}
		for w in ("b a c"):gmatch("%a") do words[#words + 1] = w end
		table.sort(words)
		assert(table.concat(words) == "abc")
		-- load of text works, with the sandbox's globals by default.
		assert(load("return 6 * 7")() == 42)
		assert(load("return os.execute")() == nil)
		assert(load("return x", "chunk", "t", { x = 5 })() == 5)
		print("good-report run", calls, "n =", n)
		rollin.columns({ "n", "square" })
		for i = 1, n do
			rollin.row({ i, i * i })
		end
		if rollin.param("style") == "return" then
			return { columns = { "calls" }, rows = { { calls } } }
		end
	end,
}
