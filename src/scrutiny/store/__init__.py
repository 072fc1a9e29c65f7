"""scrutiny.store"""
