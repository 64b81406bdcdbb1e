def seed_mediation(context):
    pass
