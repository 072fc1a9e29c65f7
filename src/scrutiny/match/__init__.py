"""scrutiny.match"""
