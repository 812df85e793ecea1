"""资金下达文件生成器: load → validate → derive → render → write, for the CLI and the web alike."""
