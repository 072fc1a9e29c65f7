"""scrutiny.scale"""
