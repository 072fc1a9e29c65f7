"""scrutiny.network"""
