-- A descriptor without run(): refused with a message that says so.
return { name = "load-bad-descriptor", kind = "report" }
