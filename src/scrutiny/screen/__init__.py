"""scrutiny.screen"""
