"""scrutiny.monitor"""
