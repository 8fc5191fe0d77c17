print("pattern-gateway")
