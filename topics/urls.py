app_name = "topics"

urlpatterns = []
