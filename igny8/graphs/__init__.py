"""One LangGraph StateGraph per file."""
