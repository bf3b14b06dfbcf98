{
  "targets": [
    {
      "target_name": "nfnetlink",
      "sources": ["nfnetlink.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    }
  ]
}
