"""scrutiny.text"""
