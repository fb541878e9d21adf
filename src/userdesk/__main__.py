from userdesk.cli import app

app()
