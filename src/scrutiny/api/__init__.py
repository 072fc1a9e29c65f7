"""scrutiny.api"""
