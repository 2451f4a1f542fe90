from django.db import connections


def count_queries(get_response):
    """Outermost middleware of the benchmark server: ``X-Bench-Queries`` on every response."""

    def middleware(request):
        executed = []

        def counter(execute, sql, params, many, context):
            executed.append(sql)
            return execute(sql, params, many, context)

        with connections["default"].execute_wrapper(counter):
            response = get_response(request)
        response["X-Bench-Queries"] = str(len(executed))
        return response

    return middleware
