"""Named domain errors. Each carries a French message, also its translation msgid."""


class DomainError(Exception):
    message = "L'opération n'a pas pu être effectuée."

    def __init__(self, message: str | None = None):
        super().__init__(message or self.message)
        if message:
            self.message = message


class InvalidArrondissement(DomainError):
    message = "L'arrondissement doit être un nombre de 1 à 20."


class InvalidAgeBand(DomainError):
    message = "La tranche d'âge choisie n'existe pas."


class ConsentRequired(DomainError):
    message = "Le consentement doit être une réponse explicite (oui ou non)."


class CardNumberUnavailable(DomainError):
    message = "Aucun numéro de carte libre n'a pu être attribué ; réessayez."
